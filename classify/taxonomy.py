"""The plan's "3+4" taxonomy as data: relevance, 3 product forms, 4 technologies and their sub-topics.

``terms_*`` say what a document is about; ``anchors_*`` alone make it XR-relevant (see
``classify.weak``). Extend without editing: ``TAXONOMY.with_terms("waveguide", zh=("衍射波导",),
en=("diffractive combiner",))``, then pass the result to ``Classifier(taxonomy=...)``.
"""

from __future__ import annotations

from classify.concepts import Concept, Kind, Taxonomy, _c, _split

__all__ = ["Concept", "Kind", "TAXONOMY", "Taxonomy"]

RELEVANCE = (
    _c("xr_general", "relevance", "虚拟现实相关", "XR-relevant, general",
       zh="虚拟场景|虚拟空间|虚实结合|人机交互|三维可视化|数字孪生",
       en="virtual scene|virtual space|virtual object|virtual content|3D visualization|telepresence",
       azh="元宇宙|灵境|沉浸式|沉浸感|头戴式显示|头戴显示|头戴式设备|头戴设备|头显|头盔显示器|近眼显示|"
           "立体视频|3D视频|立体显示|裸眼3D|体积视频|容积视频|点云压缩|点云编码|六自由度视频|三自由度|"
           "全景视频|360度视频|360°视频|光场显示|全息显示|虚拟人|数字人|虚拟形象|虚拟化身|空间音频|"
           "三维声|注视点渲染|虚拟世界|虚拟试衣|虚拟演播|虚拟拍摄|头戴式|眼戴显示|自由视点|沉浸式音频|"
           "云渲染|分离渲染|虚拟环境|三维显示|裸眼立体",
       aen="metaverse|immersive|virtual world|virtual worlds|head mounted display|head mounted|"
           "head worn display|HMD|near eye display|near eye|eyewear display|stereoscopic|3D video|"
           "volumetric video|point cloud compression|point cloud coding|V-PCC|G-PCC|V3C|3DoF|3DoF+|"
           "6DoF video|omnidirectional video|omnidirectional media|"
           "omnidirectional image|360 degree video|360° video|360 video|panoramic video|"
           "light field|holographic display|avatar|virtual human|digital human|humanoid animation|"
           "H-Anim|X3D|VRML|OMAF|MPEG-I|spatial audio|3D audio|ambisonics|foveated|virtual try on|"
           "digital fitting|virtual fitting|3D mesh coding|mesh compression|virtual studio|"
           "virtual production|real and virtual worlds|sensory effect|multiview video|JPEG Pleno|plenoptic|"
           "free viewpoint|free viewpoint video|free viewpoint television|split rendering|JPEG 360|"
           "360 degree image|360 degree content|360 degree camera|immersive audio|immersive voice|MPEG-V|"
           "virtual environment|3D display|autostereoscopic"),
    _c("xr", "relevance", "扩展现实", "Extended reality (XR)",
       azh="扩展现实|XR设备|XR头显|XR眼镜", aen="extended reality|XR|cross reality",
       forms="vr|ar|mr"),
    _c("mar", "relevance", "混合与增强现实", "Mixed and augmented reality (MAR)",
       azh="混合与增强现实|增强与混合现实", aen="mixed and augmented reality|MAR|augmented and mixed reality",
       forms="ar|mr"),
)

FORMS = (
    _c("vr", "form", "虚拟现实（VR）", "Virtual reality (VR)",
       zh="一体机|分体式|主机式|全景视频|360度视频|全向视频",
       en="fully immersive|standalone headset|tethered headset|omnidirectional media|360 degree video|OMAF",
       azh="虚拟现实|虚拟实境|VR一体机|VR眼镜|VR头显|VR头盔|VR设备|VR视频|VR内容|分体VR|主机式分体VR",
       aen="virtual reality|VR|VR headset|VR glasses|VR HMD|immersive virtual environment|"
           "virtual reality modeling language|cave automatic virtual environment"),
    _c("ar", "form", "增强现实（AR）", "Augmented reality (AR)",
       zh="光学透视|透视显示|虚实叠加|信息叠加", en="optical see through|see through display|overlay display",
       azh="增强现实|增强实境|扩增实境|AR眼镜|AR设备|AR头显|智能眼镜|AR智能眼镜",
       aen="augmented reality|AR|AR glasses|AR headset|AR display|smart glasses|augmented reality glasses"),
    _c("mr", "form", "混合现实（MR）", "Mixed reality (MR)",
       zh="视频透视|虚实融合|视频透传", en="video see through|video passthrough|camera passthrough",
       azh="混合现实|MR头显|MR眼镜|MR设备|介导现实", aen="mixed reality|MR|MR headset|merged reality"),
)

TECHS = (
    _c("near_eye_display", "tech", "近眼显示", "Near-eye display",
       zh="近眼光学|光学模组|显示模组|光机|目镜|视场角|眼盒|出瞳|虚像距离|辐辏调节冲突|变焦显示|三维显示|"
          "双目显示|视觉疲劳|高清显示|小型化|光学镜片|光学器件|显示装置|显示设备|眼镜式显示|立体显示|光场显示|全息显示",
       en="display module|optical module|optical engine|light engine|eyepiece|field of view|eye box|eyebox|"
          "exit pupil|virtual image|vergence accommodation|varifocal|3D display|autostereoscopic|"
          "binocular display|visual fatigue|display device|optical system|image quality|eyewear|"
          "stereoscopic display|light field display|holographic display|display induced visual fatigue",
       azh="近眼显示|头戴式显示|头戴显示|眼戴显示",
       aen="near eye display|near eye optics|eyewear display|head mounted display|HMD"),
    _c("perception_interaction", "tech", "感知交互", "Perception and interaction",
       zh="感知交互|人机交互|交互方式|交互模组|追踪定位|跟踪定位|手柄|控制器|惯性测量单元|空间感知|空间计算|"
          "自然交互|体感|传感器模组|三维感知|运动追踪|手势|手势交互|定位设备|传感器|执行器|触觉|力反馈|晕动症|眩晕|"
          "感知信息|传感器能力|执行器能力|交互设备|现实世界与虚拟世界|虚拟世界与现实世界|"
          "从现实世界到虚拟世界|从虚拟世界到现实世界",
       en="perception|interaction|human computer interaction|user interaction|natural interaction|tracking|"
          "input device|user interface|spatial computing|sensor fusion|inertial measurement unit|IMU|"
          "motion to photon|controller tracking|interaction technique|sensor|actuator|gesture|haptic|tactile|"
          "force feedback|positioning|localization|localisation|motion tracking|motion sickness|"
          "cybersickness|world analysis|scene understanding|spatial mapping|sensory device|"
          "sensed information|sensor capability|actuator capability|interaction device|"
          "real world and virtual world|virtual world and real world|between real and virtual worlds|"
          "real world to virtual world|virtual world to real world|real world to the virtual world|"
          "virtual world to the real world"),
    _c("rendering_computation", "tech", "渲染计算", "Rendering and computation",
       zh="渲染|渲染计算|图形处理器|图形渲染|三维引擎|着色器|帧率|时间扭曲|重投影|场景图|计算机图形|算力|渲染中心",
       en="rendering|render|graphics processing|GPU|graphics pipeline|shader|frame rate|reprojection|"
          "asynchronous timewarp|time warp|space warp|scene graph|computer graphics|image based rendering|"
          "graphics API"),
    _c("content_production", "tech", "内容制作", "Content production",
       zh="内容制作|内容生产|内容创作|沉浸式内容|三维内容|虚拟制片|沉浸式音频|全景声|双耳|内容采集|内容分发|"
          "视频拍摄|三维建模|编码压缩|沉浸式视频|VR视频|流媒体|视频直播|音视频|超高清视频",
       en="content production|content creation|immersive content|3D content|immersive media|immersive audio|"
          "binaural|object based audio|scene based audio|media format|content capture|content distribution|"
          "media coding|audio coding|immersive voice|immersive video|VR video|VR streaming|VR media|"
          "streaming|media service|audio visual content|audiovisual content|live experience|teleconferencing|"
          "codec|content delivery|broadcasting"),
)

_N, _P, _R, _C = "near_eye_display", "perception_interaction", "rendering_computation", "content_production"

SUBTOPICS = (
    # near_eye_display 近眼显示
    _c("near_eye_optical_module", "subtopic", "近眼光学显示模组", "Near-eye optical display module",
       zh="近眼光学显示模组|光学显示模组|光学模组|光机|光学引擎|投影光机|目镜|菲涅尔透镜|非球面透镜|视场角|眼盒|出瞳|镜片",
       en="near eye optical module|near eye display module|optical display module|optical engine|"
          "light engine|projection optics|eyepiece|imaging optics|VR lens|fresnel lens|aspheric lens|"
          "eye box|field of view|exit pupil",
       azh="近眼光学显示模组|VR镜头|VR透镜", aen="near eye optical module|near eye display module|VR lens",
       parent=_N),
    _c("micro_display", "subtopic", "微显示", "Micro-display (micro-OLED/LED, LCoS)",
       zh="微显示|微型显示|硅基OLED|硅基微显示|微型OLED|微型发光二极管|微LED|硅基液晶|数字微镜|激光扫描显示|"
          "显示芯片|微显示芯片|高像素密度|微显示屏|微显示光机",
       en="micro display|microdisplay|micro OLED|OLED on silicon|OLEDoS|silicon based OLED|micro LED|"
          "microLED|µLED|LCoS|liquid crystal on silicon|DLP|DMD|digital micromirror|laser beam scanning|"
          "display chip|pixel density|PPI", parent=_N),
    _c("ultra_thin_imaging", "subtopic", "超薄成像系统", "Ultra-thin imaging system",
       zh="超薄成像|超薄光学|轻薄化|轻量化|超表面|超构透镜|平面光学|全息光学元件|衍射光学元件|液晶透镜|偏振体光栅",
       en="ultra thin imaging|ultra thin optics|thin optics|compact optics|lightweight optics|slim optical|"
          "metasurface|metalens|flat optics|holographic optical element|HOE|diffractive optical element|"
          "liquid crystal lens|polarization volume grating", parent=_N),
    _c("pancake_optics", "subtopic", "折叠光路光学模组", "Folded-path (pancake) optics",
       zh="折叠光路|超短焦|折返式|反射偏振片|四分之一波片|半反半透|偏振折叠|分光镜|多片式折叠",
       en="pancake|pancake lens|pancake optics|folded optics|folded optical path|catadioptric|"
          "polarization folding|reflective polarizer|quarter wave plate|half mirror|beam splitter|birdbath",
       azh="折叠光路|超短焦光学模组", aen="pancake lens|pancake optics|pancake module", parent=_N),
    _c("freeform_prism", "subtopic", "自由曲面棱镜", "Free-form prism",
       zh="自由曲面棱镜|自由曲面|楔形棱镜|棱镜目镜|离轴棱镜",
       en="free form prism|freeform prism|freeform surface|free form surface|wedge prism|prism eyepiece|"
          "off axis prism", parent=_N),
    _c("freeform_reflective_lens", "subtopic", "自由曲面反光透镜", "Free-form reflective lens",
       zh="自由曲面反光透镜|自由曲面反射镜|自由曲面反射|离轴反射|曲面反射镜|合束器|光学合束器",
       en="free form reflective lens|freeform reflector|free form mirror|freeform mirror|freeform combiner|"
          "off axis reflective|curved mirror combiner|combiner", parent=_N),
    _c("waveguide", "subtopic", "光波导（表面浮雕/全息）", "Waveguide (surface-relief / holographic)",
       zh="光波导|波导片|波导镜片|表面浮雕光栅|表面浮雕光波导|全息光波导|体全息光栅|衍射光波导|几何光波导|"
          "阵列光波导|反射光波导|耦入光栅|耦出光栅|扩瞳|纳米压印",
       en="waveguide|optical waveguide|surface relief grating|surface relief waveguide|SRG|"
          "holographic waveguide|volume holographic grating|VHG|diffractive waveguide|geometric waveguide|"
          "reflective waveguide|in coupling grating|out coupling grating|exit pupil expansion|"
          "exit pupil expander|nanoimprint|nano imprint",
       azh="全息光波导|表面浮雕光波导|衍射光波导|阵列光波导|几何光波导|AR光波导",
       aen="holographic waveguide|surface relief waveguide|diffractive waveguide|exit pupil expander|"
           "exit pupil expansion|AR waveguide", parent=_N),
    _c("hmd_optical_testing", "subtopic", "头显光学检测", "HMD optical testing",
       zh="光学检测|光学测量|成像质量|调制传递函数|畸变测量|亮度均匀性|杂散光|鬼影|光学性能测试|人工智能检测|"
          "超精密加工|自动化组装|显示性能",
       en="optical testing|optical measurement|image quality measurement|MTF|modulation transfer function|"
          "distortion measurement|luminance uniformity|stray light|ghost image|optical metrology|"
          "optical performance|display performance|measuring method|measurement methods", parent=_N),
    # perception_interaction 感知交互
    _c("eye_tracking", "subtopic", "眼动追踪", "Eye tracking",
       zh="眼动追踪|眼球追踪|眼动跟踪|眼球跟踪|视线追踪|视线跟踪|注视点|注视方向|瞳孔检测|瞳孔定位|角膜反射|眼动",
       en="eye tracking|eye tracker|gaze tracking|gaze estimation|gaze detection|gaze direction|gaze point|"
          "point of gaze|pupil detection|pupil tracking|corneal reflection|glint|eye movement", parent=_P),
    _c("six_dof_tracking", "subtopic", "头部和手部六自由度追踪定位", "Head and hand 6DoF tracking",
       zh="六自由度|头部追踪|头部跟踪|手部追踪|手部跟踪|手柄追踪|位姿估计|位姿追踪|姿态估计|内向外追踪|"
          "外向内追踪|空间定位|追踪定位|定位设备|视觉惯性里程计|惯性测量单元|航位推算|室内定位|跟踪注册",
       en="6DoF|six degrees of freedom|6 degrees of freedom|head tracking|hand tracking|controller tracking|"
          "pose tracking|pose estimation|inside out tracking|outside in tracking|positional tracking|"
          "visual inertial odometry|head pose|IMU|dead reckoning|indoor positioning|indoor localization|"
          "tracking and registration|position tracking|motion tracker", parent=_P),
    _c("face_body_gesture_recognition", "subtopic", "面部/肢体/手势识别", "Face, body, gesture recognition",
       zh="手势识别|手势交互|手势输入|手部姿态|手部关键点|肢体识别|人体姿态|人体骨骼|骨骼追踪|面部识别|人脸识别|"
          "人脸检测|动作识别|姿态识别",
       en="gesture recognition|hand gesture|gesture based interaction|gesture input|non touch gesture|"
          "hand pose|hand keypoint|body recognition|body pose|human pose estimation|skeleton tracking|"
          "face recognition|facial recognition|face detection|action recognition|posture recognition",
       parent=_P),
    _c("object_scene_recognition", "subtopic", "三维物体与场景识别跟踪（SLAM）",
       "3D object and scene recognition/tracking (SLAM)",
       zh="同步定位与建图|即时定位与地图构建|空间定位与地图构建|场景识别|场景理解|三维物体识别|物体识别与跟踪|"
          "目标跟踪|三维跟踪|平面检测|空间注册|空间锚点|视觉定位|重定位|环境建图|虚实遮挡",
       en="SLAM|simultaneous localization and mapping|spatial mapping|scene understanding|plane detection|"
          "3D object recognition|object tracking|3D object tracking|spatial registration|spatial anchor|"
          "visual positioning|visual localization|relocalization|environment mapping|marker tracking",
       parent=_P),
    _c("tof_structured_light", "subtopic", "ToF与结构光相机", "ToF and structured-light cameras",
       zh="飞行时间|TOF相机|ToF相机|深度相机|深度传感器|结构光|散斑投射|点阵投射器|深度感知|深度图像|激光雷达",
       en="time of flight|ToF|ToF camera|depth camera|depth sensor|structured light|dot projector|"
          "speckle projection|depth sensing|RGB-D|lidar|dToF|iToF|range imaging", parent=_P),
    _c("facial_expression_reconstruction", "subtopic", "面部表情重建", "Facial-expression reconstruction",
       zh="面部表情重建|表情重建|面部表情|表情识别|表情驱动|面部追踪|面部跟踪|表情基|人脸重建|口型驱动",
       en="facial expression|expression reconstruction|face tracking|facial tracking|blendshape|"
          "face mesh|face reconstruction|lip sync|expression recognition", parent=_P),
    _c("mems_optical_sensing", "subtopic", "显示与光学传感微机电系统", "MEMS for display and optical sensing",
       zh="微机电系统|微机电|MEMS微镜|微镜|扫描振镜|MEMS传感器|芯片封装测试|光学传感",
       en="MEMS|micro electro mechanical|microelectromechanical|MEMS mirror|MEMS scanner|scanning mirror|"
          "micromirror|MEMS sensor|MEMS gyroscope|optical sensing", parent=_P),
    _c("haptics", "subtopic", "触觉反馈", "Haptics",
       zh="触觉|触觉反馈|力反馈|振动反馈|触感|数据手套|触觉手套|力触觉",
       en="haptic|haptics|tactile feedback|force feedback|vibrotactile|kinesthetic|kinaesthetic|haptic glove|"
          "data glove|haptic rendering|touch feedback|tactile", parent=_P),
    # rendering_computation 渲染计算
    _c("realtime_photorealistic_rendering", "subtopic", "高真实感实时渲染构架",
       "Real-time photorealistic rendering architecture",
       zh="高真实感|真实感渲染|实时渲染|渲染构架|渲染架构|渲染管线|光线追踪|路径追踪|全局光照|光栅化|神经渲染|"
          "神经辐射场|高斯泼溅|体渲染",
       en="photorealistic rendering|real time rendering|rendering architecture|rendering pipeline|"
          "ray tracing|path tracing|global illumination|rasterization|deferred shading|neural rendering|"
          "neural radiance field|NeRF|gaussian splatting|volume rendering|image based rendering", parent=_R),
    _c("complex_materials", "subtopic", "复杂材质系统", "Complex material systems",
       zh="复杂材质|材质系统|材质|基于物理的渲染|双向反射分布函数|次表面散射|纹理映射|着色模型|贴图",
       en="material system|material model|material parameters|physically based rendering|PBR|BRDF|BSDF|"
          "subsurface scattering|texture mapping|shading model|appearance model", parent=_R),
    _c("large_scene_loading", "subtopic", "超大规模场景动态加载", "Very large scene dynamic loading",
       zh="超大规模场景|大规模场景|场景动态加载|动态加载|场景流式加载|分块加载|可见性剔除|遮挡剔除|视锥剔除|虚拟纹理",
       en="large scale scene|massive scene|large scene|dynamic loading|scene streaming|out of core|"
          "tile loading|3D tiles|scene partitioning|occlusion culling|frustum culling|virtual texture",
       parent=_R),
    _c("level_of_detail", "subtopic", "多细节层次（LOD）", "Level of detail (LOD)",
       zh="多细节层次|细节层次|层次细节|分层次渲染|网格简化|多分辨率网格|渐进网格",
       en="level of detail|levels of detail|LOD|mesh simplification|multi resolution mesh|progressive mesh|"
          "hierarchical rendering", parent=_R),
    _c("physics_simulation", "subtopic", "高真实感物理仿真", "Physics simulation",
       zh="物理仿真|物理模拟|物理引擎|刚体|柔体|布料仿真|流体仿真|碰撞检测|粒子系统|动力学仿真",
       en="physics simulation|physical simulation|physics engine|rigid body|soft body|cloth simulation|"
          "fluid simulation|collision detection|particle system|dynamics simulation", parent=_R),
    _c("engines_toolchains", "subtopic", "渲染引擎与内容开发工具链", "Engines and content toolchains",
       zh="渲染引擎|游戏引擎|三维渲染引擎|实时三维渲染引擎|内容开发工具链|工具链|开发工具|创作工具|软件开发工具包|"
          "场景描述|运行时",
       en="rendering engine|game engine|3D engine|Unreal Engine|Unity engine|toolchain|authoring tool|SDK|"
          "OpenXR|WebXR|runtime|X3D|VRML|glTF|scene description|language binding|scene access interface|"
          "reference model|presentation engine", parent=_R),
    _c("foveated_rendering", "subtopic", "注视点渲染", "Foveated rendering",
       zh="注视点渲染|凝视点渲染|中央凹渲染|可变速率着色|注视点区域|分区域渲染",
       en="foveated rendering|foveation|foveated|gaze contingent|variable rate shading|fixed foveated|"
          "dynamic foveated", azh="注视点渲染|凝视点渲染", aen="foveated rendering", parent=_R),
    _c("cloud_split_rendering", "subtopic", "云渲染与分离渲染", "Cloud and split rendering",
       zh="云渲染|云VR|云XR|分离渲染|拆分渲染|远程渲染|边缘渲染|边缘计算|端云协同|串流|在线渲染",
       en="cloud rendering|cloud VR|cloud XR|split rendering|remote rendering|edge rendering|edge computing|"
          "rendering offload|offloaded rendering|server side rendering|pixel streaming",
       azh="云VR|云XR|云AR|云虚拟现实|云增强现实",
       aen="cloud VR|cloud XR|cloud AR|cloud virtual reality|cloud augmented reality|cloud extended reality|"
           "cloud based virtual reality|cloud based augmented reality|cloud based VR|cloud based AR",
       parent=_R),
    # content_production 内容制作
    _c("panoramic_video", "subtopic", "8K及以上超高清全景视频", "8K+ panoramic video",
       zh="全景视频|超高清全景|超高清视频|360度视频|360°视频|全向视频|等距柱状投影|立方体投影|视口自适应|全景图像|全向图像",
       en="panoramic video|360 degree video|360 video|360° video|omnidirectional video|omnidirectional media|"
          "omnidirectional image|omnidirectional content|360 degree image|JPEG 360|panoramic image|"
          "OMAF|equirectangular|cube map projection|cubemap|viewport dependent|8K|ultra high definition",
       parent=_C),
    _c("stereoscopic_3d_video", "subtopic", "3D视频", "3D video",
       zh="3D视频|三维视频|立体视频|双目视频|多视点视频|多视角视频|深度图|视差|立体图像",
       en="3D video|stereoscopic video|stereo video|stereoscopic image|stereoscopic picture|binocular video|"
          "multiview video|multi view video|MV-HEVC|3D-HEVC|depth map|frame compatible|disparity|parallax",
       parent=_C),
    _c("volumetric_6dof_video", "subtopic", "六自由度视频", "6DoF / volumetric video",
       zh="六自由度视频|6DoF视频|体积视频|容积视频|自由视点视频|自由视角|点云|点云视频|沉浸式视频",
       en="6DoF video|volumetric video|volumetric capture|free viewpoint video|free viewpoint|point cloud|"
          "V-PCC|G-PCC|V3C|MPEG immersive video|MIV|visual volumetric video|3DoF+|immersive video",
       parent=_C),
    _c("scene_model_3d", "subtopic", "三维场景模型", "3D scene models",
       zh="三维场景模型|三维模型|三维场景|3D模型|三维建模|网格模型|三维网格|数字空间三维建模|虚拟场景",
       en="3D scene model|3D model|3D scene|three dimensional model|3D modeling|3D modelling|3D mesh|"
          "mesh model|polygon mesh|3D asset|virtual scene|3D graphics", parent=_C),
    _c("virtual_human_avatar", "subtopic", "虚拟人物形象", "Virtual humans and avatars",
       zh="虚拟人|数字人|虚拟数字人|AI数字人|虚拟形象|虚拟人物形象|虚拟化身|化身|虚拟角色|虚拟主播|虚拟偶像|3D虚拟形象",
       en="virtual human|digital human|avatar|virtual character|humanoid|H-Anim|humanoid animation|"
          "virtual being|virtual idol|virtual anchor|3D avatar|virtual human body", parent=_C),
    _c("immersive_video_coding", "subtopic", "VR/AR视频编码与压缩", "VR/AR video coding and compression",
       zh="视频编码|视频压缩|编码压缩|编解码|点云压缩|网格压缩|分块传输|视口自适应传输|封装|封装存储|分发传输",
       en="video coding|video compression|video encoding|immersive video coding|point cloud compression|"
          "point cloud coding|mesh compression|mesh coding|tile based streaming|viewport adaptive streaming|"
          "HEVC|VVC|encapsulation|carriage|file format|decoding interface", parent=_C),
    _c("model_data_management", "subtopic", "三维模型数据管理与存储", "3D model data management and storage",
       zh="三维模型数据|模型数据管理|模型存储|数据管理与存储|素材库|内容素材库|模型库|三维数据存储|内容管理",
       en="3D model data|model data management|model storage|3D data storage|asset management|"
          "model library|model database|model format|data representation|catalogue model", parent=_C),
    _c("panoramic_capture", "subtopic", "360°全景拍摄", "360° capture",
       zh="360°全景拍摄|全景拍摄|全景相机|全景摄像机|全景采集|图像拼接|视频拼接|鱼眼|相机阵列|多相机",
       en="360 degree camera|360 camera|panoramic camera|panoramic capture|panoramic imaging|"
          "omnidirectional camera|image stitching|video stitching|fisheye|camera array|camera rig",
       parent=_C),
    _c("auto_3d_reconstruction", "subtopic", "自动化三维重建", "Automatic 3D reconstruction",
       zh="三维重建|自动化三维重建|三维扫描|摄影测量|多视图立体|运动恢复结构|表面重建",
       en="3D reconstruction|three dimensional reconstruction|photogrammetry|multi view stereo|"
          "structure from motion|3D scanning|surface reconstruction|mesh reconstruction", parent=_C),
    _c("motion_facial_capture", "subtopic", "动作/面部表情捕捉", "Motion and facial capture",
       zh="动作捕捉|动捕|面部捕捉|表情捕捉|面部表情捕捉|光学动捕|惯性动捕|动作表情采集",
       en="motion capture|mocap|facial capture|facial motion capture|performance capture|expression capture|"
          "optical motion capture|inertial motion capture|live actor", parent=_C),
    _c("light_field_capture", "subtopic", "光场内容采集", "Light-field capture",
       zh="光场|光场采集|光场相机|全光相机|光场成像|集成成像|微透镜阵列",
       en="light field|light field capture|light field camera|plenoptic|JPEG Pleno|light field imaging|"
          "integral imaging|lenslet", parent=_C),
)

NEGATIVES = (
    _c("off_topic", "negative", "无关领域", "Off-topic fields",
       zh="鞋底|鞋面|电池|电池组|肥料|药物组合物|钢材|混凝土|发动机|纺织|织物|洗衣机|冰箱|空调|农药|轮胎|"
          "制动器|化合物|催化剂|食品|饮料|包装袋|管道|阀门|轴承|电缆|电网|锅炉|医用导管|注射器",
       en="shoe sole|footwear|battery|fertilizer|pharmaceutical composition|steel|concrete|engine cylinder|"
          "textile|fabric|washing machine|refrigerator|air conditioner|pesticide|tyre|brake|compound|"
          "catalyst|food|beverage|packaging|pipe|valve|bearing|cable|power grid|boiler|catheter|syringe"),
    _c("near_miss", "negative", "易混淆的非XR主题", "Near-miss non-XR topics",
       zh="电视机|显示器|液晶面板|背光模组|光纤|光纤连接器|眼镜片|隐形眼镜|眼科仪器|显微镜|望远镜|照相机镜头|"
          "耳机|扬声器|视频监控|综合布线|射频识别|虚拟机|车载抬头显示|人体测量|工作站布局|激光安全",
       en="television|monitor|liquid crystal display panel|backlight|optical fibre|optical fiber|"
          "fibre connector|spectacle lens|ophthalmic|contact lens|microscope|telescope|camera lens|"
          "headphone|loudspeaker|video surveillance|cabling|RFID|virtual machine|vehicle head up display|"
          "anthropometric|workstation layout|laser safety|generic video coding|optical drawing|"
          "versatile video coding|advanced video coding|high efficiency video coding|H.264|H.265|H.266|"
          "network based media processing"),
)

MASKED = _split(
    "JPEG XR|AR coating|AR film|anti reflection|antireflection|anti reflective|magnetic resonance|MR imaging|"
    "MR image|MR sensor|MR head|MR fluid|MR damper|virtual machine|virtual memory|virtual private network|"
    "virtual network|virtual interface|voltage regulator|AR model|autoregressive|stereo microscope|"
    "stereoscopic microscope|omnidirectional antenna|omnidirectional microphone|omnidirectional wheel|"
    "audio rendering|audio renderer|IT asset management|software asset management|"
    "音频渲染|IT资产管理|软件资产管理")

TAXONOMY = Taxonomy(RELEVANCE, FORMS, TECHS, SUBTOPICS, NEGATIVES, MASKED)
